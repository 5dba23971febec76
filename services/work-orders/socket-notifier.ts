// The socket.io notifier: a recorded notification goes out as a `NotificationSent` domain event,
// which the realtime service emits as `notification` to the person's own room (CONTRACT.md §4).
// A webhook notifier (SMS/IM gateways) implements the same Notifier port.
import type { EventBus } from '../core/events.js'
import type { Notifier } from '../core/ports.js'

export function createSocketNotifier(events: EventBus): Notifier {
  return {
    send(n) {
      events.emit('NotificationSent', n)
      return Promise.resolve()
    },
  }
}
