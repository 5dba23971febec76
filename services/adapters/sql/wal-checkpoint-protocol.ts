// The messages between a SQLite writer's thread and its checkpoint thread (wal-checkpoint-thread.ts).
export interface CheckpointerOptions {
  file: string
  everyMs: number
}

export type ToCheckpointer = { cmd: 'stop' }

export type FromCheckpointer =
  | { kind: 'checkpointed'; frames: number; walFrames: number }
  | { kind: 'failed'; message: string }
  | { kind: 'recovered' }
  | { kind: 'stopped' }
