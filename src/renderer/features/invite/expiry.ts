// "This invitation works once and expires on Tuesday at 14:02." (UI.md words)
export function expiryWords(expiresAt: number, now: number, locale?: string): string {
  if (expiresAt <= now) return 'This invitation has expired.';
  const at = new Date(expiresAt);
  const time = at.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  const startOfToday = new Date(now);
  startOfToday.setHours(0, 0, 0, 0);
  const days = Math.floor((at.getTime() - startOfToday.getTime()) / 86_400_000);
  let when: string;
  if (days === 0) when = `today at ${time}`;
  else if (days === 1) when = `tomorrow at ${time}`;
  else if (days < 7) when = `on ${at.toLocaleDateString(locale, { weekday: 'long' })} at ${time}`;
  else when = `on ${at.toLocaleDateString(locale, { day: 'numeric', month: 'long' })}`;
  return `This invitation works once and expires ${when}.`;
}
