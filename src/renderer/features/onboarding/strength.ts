// Passphrase strength with zxcvbn-ts (issue 9 item 9). Its dictionaries are large, so they load on
// first use (a separate chunk) instead of with the app.
import { MIN_PASSPHRASE_SCORE } from '../../../ipc/text.ts';

export interface Strength {
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  hint: string;
  /** Whether the core will take it as a new passphrase. */
  acceptable: boolean;
}

// The core refuses a new passphrase below MIN_PASSPHRASE_SCORE (WEAK_PASSPHRASE; docs/ARCHITECTURE.md
// "Storage"). Checked here too only to say so before the person moves on; the core decides.

const LABELS = ['very weak', 'weak', 'fair', 'good', 'strong'] as const;

type Checker = (passphrase: string, userInputs: string[]) => Strength;
let checker: Promise<Checker> | null = null;

async function load(): Promise<Checker> {
  const [{ ZxcvbnFactory }, common, en] = await Promise.all([
    import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en'),
  ]);
  const zxcvbn = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return (passphrase, userInputs) => {
    // The core counts the display name as a known word; so does this hint.
    const r = zxcvbn.check(passphrase.slice(0, 256), userInputs);
    const hint = r.feedback.warning ?? r.feedback.suggestions[0] ?? (r.score < MIN_PASSPHRASE_SCORE ? 'Add another word or two.' : '');
    return { score: r.score, label: LABELS[r.score], hint, acceptable: r.score >= MIN_PASSPHRASE_SCORE };
  };
}

export function passphraseStrength(passphrase: string, userInputs: string[] = []): Promise<Strength> {
  checker ??= load();
  return checker.then((check) => check(passphrase, userInputs));
}
