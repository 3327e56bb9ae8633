/**
 * sonic-boom in its buffer mode: asynchronous writes of bytes to a file descriptor. Its type definitions
 * only know its default string mode, where `write` takes a string; in buffer mode it takes a Buffer.
 */
import sonicBoom, { type SonicBoom } from 'sonic-boom';

export interface ByteStream {
  readonly boom: SonicBoom;
  /** Queues `bytes` for writing; they must not be modified afterwards. */
  write(bytes: Buffer): boolean;
}

export function openByteStream(fd: number): ByteStream {
  const boom = new sonicBoom.SonicBoom({ fd, sync: false, contentMode: 'buffer' });
  const write = boom.write.bind(boom) as unknown as (bytes: Buffer) => boolean;
  return { boom, write };
}
