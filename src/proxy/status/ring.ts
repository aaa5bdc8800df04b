/** The last `capacity` items pushed; older ones are dropped, so memory stays bounded. */
export class Ring<T> {
  private readonly slots: T[] = [];
  private next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring capacity must be a positive integer, not ${capacity}`);
    }
  }

  push(item: T): void {
    if (this.slots.length < this.capacity) this.slots.push(item);
    else this.slots[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  get length(): number {
    return this.slots.length;
  }

  /** Newest first. */
  newestFirst(): T[] {
    const out: T[] = [];
    for (let i = 1; i <= this.slots.length; i++) {
      out.push(this.slots[(this.next - i + this.capacity) % this.capacity] as T);
    }
    return out;
  }
}
