// How hard a new passphrase is to guess (issue 9 item 9), with zxcvbn-ts: dictionaries, keyboard
// patterns, dates, repeats and the user's own name. The profile key is wrapped under Argon2id of
// the passphrase, so a copied profile folder falls to offline guessing exactly as fast as this
// estimate allows: a new passphrase needs score MIN_PASSPHRASE_SCORE (3, "safely unguessable:
// moderate protection from an offline slow-hash attack", about 10^8 guesses or more).
// docs/THREAT-MODEL.md "Passphrase".
import { MIN_PASSPHRASE_SCORE } from '../../ipc/text.ts';
import { StoreError } from './errors.ts';

// The number lives in the IPC contract, which the renderer's early warning reads too.
export { MIN_PASSPHRASE_SCORE };
const LABELS = ['very weak', 'weak', 'fair', 'good', 'strong'] as const;

export interface PassphraseStrength {
  /** 0..4 (zxcvbn). */
  score: number;
  label: typeof LABELS[number];
  /** log10 of the estimated guesses. */
  guessesLog10: number;
  /** What to change, in words ('' when nothing to say). */
  hint: string;
  acceptable: boolean;
}

type Check = (passphrase: string, userInputs: string[]) => PassphraseStrength;
let loaded: Promise<Check> | null = null;

// The dictionaries are a few MB: loaded on the first check, not with the app.
async function load(): Promise<Check> {
  const [{ ZxcvbnFactory }, common, en] = await Promise.all([
    import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en'),
  ]);
  const zxcvbn = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations,
  });
  return (passphrase, userInputs) => {
    // zxcvbn's cost grows with length; past 256 characters a passphrase is strong by any measure.
    const r = zxcvbn.check(passphrase.slice(0, 256), userInputs);
    const score = passphrase.length > 256 ? 4 : r.score;
    const hint = r.feedback.warning ?? r.feedback.suggestions[0] ?? (score < MIN_PASSPHRASE_SCORE ? 'add a few more uncommon words' : '');
    return { score, label: LABELS[score] ?? 'strong', guessesLog10: r.guessesLog10, hint, acceptable: score >= MIN_PASSPHRASE_SCORE };
  };
}

export async function passphraseStrength(passphrase: string, userInputs: string[] = []): Promise<PassphraseStrength> {
  loaded ??= load();
  return (await loaded)(passphrase, userInputs);
}

/** Refuses (WEAK_PASSPHRASE) a new passphrase below `minScore`. */
export async function checkNewPassphrase(passphrase: string, opts: { minScore: number; userInputs?: string[] }): Promise<PassphraseStrength> {
  const s = await passphraseStrength(passphrase, opts.userInputs ?? []);
  if (s.score < opts.minScore) throw StoreError.WEAK_PASSPHRASE(`${s.label}; ${s.hint}`);
  return s;
}
