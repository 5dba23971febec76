// Child processes of the bench: TypeScript workers forked through tsx with an IPC channel, each
// request answered by the next message of the expected kind.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface Worker<Req, Res extends { kind: string }> {
  readonly child: ChildProcess
  send(msg: Req): void
  request<K extends Res['kind']>(msg: Req, kind: K, timeoutMs?: number): Promise<Extract<Res, { kind: K }>>
  /** Ends the process; resolves when it has exited. */
  kill(): Promise<void>
}

export function forkWorker<Req, Res extends { kind: string }>(file: URL, name: string, execArgv: string[] = []): Worker<Req, Res> {
  const child = fork(fileURLToPath(file), [], {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const waiting: Array<{ kind: string; resolve: (m: Res) => void; reject: (e: Error) => void }> = []
  child.on('message', (m: Res) => {
    const i = waiting.findIndex((w) => w.kind === m.kind)
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(m)
  })
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`${name} exited with ${code} while the bench waited for '${w.kind}'`))
  })
  return {
    child,
    send: (msg) => void child.send(msg as object),
    request(msg, kind, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not answer '${kind}' within ${timeoutMs} ms`)), timeoutMs)
        waiting.push({
          kind,
          resolve: (m) => {
            clearTimeout(timer)
            resolve(m as Extract<Res, { kind: typeof kind }>)
          },
          reject: (e) => {
            clearTimeout(timer)
            reject(e)
          },
        })
        child.send(msg as object)
      })
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
