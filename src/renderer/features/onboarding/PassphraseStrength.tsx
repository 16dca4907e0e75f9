import { useEffect, useState } from 'react';
import { passphraseStrength, type Strength } from './strength.ts';

/** "Strength: weak — Add another word or two." with a five-step meter. */
export function PassphraseStrength({ passphrase, userInputs }: { passphrase: string; userInputs?: string[] }) {
  const [strength, setStrength] = useState<Strength | null>(null);
  const inputsKey = userInputs?.join('\n') ?? '';
  useEffect(() => {
    let live = true;
    if (passphrase === '') { setStrength(null); return; }
    // Debounced: one check per pause in typing, not one per key.
    const timer = window.setTimeout(() => {
      void passphraseStrength(passphrase, inputsKey === '' ? [] : inputsKey.split('\n')).then((s) => { if (live) setStrength(s); });
    }, 150);
    return () => { live = false; window.clearTimeout(timer); };
  }, [passphrase, inputsKey]);
  return (
    <div role="status" aria-label="Passphrase strength" className="strength">
      <meter min={0} max={4} low={2} high={3} optimum={4} value={strength?.score ?? 0} aria-hidden="true" className={`strength-meter strength-${strength?.score ?? 0}`} />
      <span>{strength ? `Strength: ${strength.label}${strength.hint ? ` — ${strength.hint}` : ''}${strength.acceptable ? '' : ' Sotto needs a stronger one.'}` : 'Use a few words that only you would put together.'}</span>
    </div>
  );
}
