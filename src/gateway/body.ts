// Reads a request body with a hard cap enforced while streaming: a declared Content-Length over the
// cap is refused before one body byte is read, and a chunked body is cut the moment it passes the
// cap. Either way the caller answers 413 and closes the connection, so the rest is never read.
import type { IncomingMessage } from 'node:http';
import { GatewayError } from './errors.ts';

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(GatewayError.TOO_LARGE(`body must be at most ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        reject(GatewayError.TOO_LARGE(`body must be at most ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (): void => {
      cleanup();
      reject(GatewayError.BAD_REQUEST('request body could not be read'));
    };
    const onAborted = onError;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw GatewayError.BAD_JSON('body is empty');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw GatewayError.BAD_JSON('body is not UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw GatewayError.BAD_JSON();
  }
}
