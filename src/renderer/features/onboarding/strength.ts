// Passphrase strength with zxcvbn-ts (issue 9 item 9). Its dictionaries are large, so they load on
// first use (a separate chunk) instead of with the app.
export interface Strength {
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  hint: string;
}

const LABELS = ['very weak', 'weak', 'fair', 'good', 'strong'] as const;

type Checker = (passphrase: string) => Strength;
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
  return (passphrase) => {
    const r = zxcvbn.check(passphrase);
    const hint = r.feedback.warning ?? r.feedback.suggestions[0] ?? (r.score < 3 ? 'Add another word or two.' : '');
    return { score: r.score, label: LABELS[r.score], hint };
  };
}

export function passphraseStrength(passphrase: string): Promise<Strength> {
  checker ??= load();
  return checker.then((check) => check(passphrase));
}
