export function isNodeExternal(id: string): boolean;
