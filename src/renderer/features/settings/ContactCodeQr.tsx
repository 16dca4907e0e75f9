import { useEffect, useState } from 'react';

/**
 * The own contact code as a QR image, drawn here (qrcode, lazily loaded) since the code is public
 * and no channel is needed for it; shown as a data: PNG like the invitation QR (CSP img-src data:).
 */
export function ContactCodeQr({ code }: { code: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void import('qrcode')
      .then((qr) => qr.toDataURL(code, { errorCorrectionLevel: 'M', margin: 2, scale: 6, color: { dark: '#000000', light: '#ffffff' } }))
      .then((url) => { if (live) setSrc(url); }, () => undefined);
    return () => { live = false; };
  }, [code]);
  if (!src) return null;
  return <img className="qr small-qr" src={src} alt="Your contact code QR" width={200} height={200} />;
}
