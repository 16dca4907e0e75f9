export type AcceptInput = { link: string } | { text: string } | { imagePngBase64: string };

/** A pasted link alone goes as a link; anything longer (a whole e-mail) as text to search. */
export function acceptInputOf(pasted: string): AcceptInput {
  const t = pasted.trim();
  return /^\S+$/.test(t) ? { link: t } : { text: pasted };
}
