// The one place errors end up (STYLE.md "one handleError that logs and toasts").
export interface Toast {
  id: number
  message: string
}

export class Toasts {
  items = $state<Toast[]>([])
  #next = 1

  push(message: string, ttlMs = 6000): void {
    const id = this.#next++
    // The same failure repeating (a flapping link) shows once.
    if (this.items.some((t) => t.message === message)) return
    this.items = [...this.items.slice(-3), { id, message }]
    setTimeout(() => this.dismiss(id), ttlMs)
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id)
  }
}
