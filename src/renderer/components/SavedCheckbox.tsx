import { useState, type InputHTMLAttributes } from 'react';

type SavedCheckboxProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'checked' | 'onChange' | 'type'> & {
  checked: boolean;
  /** Saves the new value; the box shows it at once and falls back if saving fails. */
  onSave(next: boolean): Promise<unknown>;
};

/**
 * A checkbox whose value lives in the core: it flips at once (a person, and a test's check(), sees
 * the click take effect) and shows the saved value again once the answer is in.
 */
export function SavedCheckbox({ checked, onSave, ...rest }: SavedCheckboxProps) {
  const [pending, setPending] = useState<boolean | null>(null);
  return (
    <input {...rest} type="checkbox" checked={pending ?? checked}
      onChange={(e) => {
        const next = e.target.checked;
        setPending(next);
        void onSave(next).finally(() => setPending(null));
      }} />
  );
}
