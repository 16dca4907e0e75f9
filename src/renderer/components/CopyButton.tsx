import { useEffect, useState } from 'react';

/** Copies `text`; says "Copied" for a moment (a status, so screen readers hear it). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(t);
  }, [copied]);
  const copy = () => {
    navigator.clipboard.writeText(text).then(() => { setCopied(true); setFailed(false); }, () => setFailed(true));
  };
  return (
    <>
      <button type="button" onClick={copy} disabled={text === ''}>{label}</button>
      <span role="status" className="copy-status">{copied ? 'Copied' : failed ? 'Copying is blocked here: select the text and copy it.' : ''}</span>
    </>
  );
}
