import { spawn, type ChildProcess } from 'node:child_process';

export interface PtyPair {
  /** The end the twin serves on. */
  readonly devicePath: string;
  /** The end a driver opens (serial:///dev/pts/N). */
  readonly hostPath: string;
  readonly process: ChildProcess;
}

/** Spawns `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and reads the two /dev/pts paths from its stderr. */
export function spawnPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    const child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const timer = setTimeout(
      () => fail(new Error(`socat gave no pty paths within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(e);
    };
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`socat exited (${code}) before opening ptys: ${stderr}`)));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // e.g. "2024/01/01 12:00:00 socat[123] N PTY is /dev/pts/3"
      const paths = [...stderr.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1]);
      if (paths.length < 2) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      child.stderr!.removeAllListeners('data');
      child.stderr!.resume();
      resolve({ devicePath: paths[0], hostPath: paths[1], process: child });
    });
  });
}
