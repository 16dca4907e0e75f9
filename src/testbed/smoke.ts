export interface SmokeResult { timings: Record<string, number> }
export async function runSmoke(_o: { dir: string; torPath?: string; signal?: AbortSignal; log?: (l: string) => void }): Promise<SmokeResult> {
  throw new Error('not yet');
}
