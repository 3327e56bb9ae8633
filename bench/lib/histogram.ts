/**
 * A small HDR-style latency histogram: values in microseconds go into log-linear buckets (every power of
 * two is split into 64 linear sub-buckets), so any recorded value is known within 1/64 (1.6 %) of itself
 * from 1 µs up to ~35 minutes, in a fixed 1,728-slot array. Recording is O(1) and allocation-free;
 * histograms from several processes merge by adding their counts (they travel as JSON).
 */

const SUB_BITS = 6;
const SUB_COUNT = 1 << SUB_BITS; // 64 sub-buckets per power of two
const LINEAR_LIMIT = SUB_COUNT * 2; // values below 128 µs are exact
const MAX_VALUE = 2 ** 31 - 1;
const SLOTS = (31 - SUB_BITS) * SUB_COUNT + LINEAR_LIMIT;

export interface HistogramJson {
  counts: Array<[number, number]>;
  count: number;
  sum: number;
  min: number;
  max: number;
}

function slotOf(value: number): number {
  if (value < LINEAR_LIMIT) return value;
  const exponent = 31 - Math.clz32(value); // >= 7
  const shift = exponent - SUB_BITS;
  return (shift - 1) * SUB_COUNT + (value >>> shift) + SUB_COUNT;
}

/** The lowest value that lands in `slot`, and the width of the slot. */
function rangeOf(slot: number): { low: number; width: number } {
  if (slot < LINEAR_LIMIT) return { low: slot, width: 1 };
  const shift = Math.floor((slot - SUB_COUNT) / SUB_COUNT);
  const sub = slot - shift * SUB_COUNT; // in [64, 127]
  return { low: sub * 2 ** shift, width: 2 ** shift };
}

export class Histogram {
  readonly #counts = new Float64Array(SLOTS);
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  /** Records one value in microseconds (fractions are rounded; negative values count as 0). */
  record(micros: number): void {
    const value = Math.min(MAX_VALUE, Math.max(0, Math.round(micros)));
    this.#counts[slotOf(value)]! += 1;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  recordMs(millis: number): void {
    this.record(millis * 1000);
  }

  /** The value (µs) at or below which `percent` % of the recorded values lie; 0 when empty. */
  percentile(percent: number): number {
    if (this.count === 0) return 0;
    if (percent >= 100) return this.max;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.count));
    let seen = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      seen += this.#counts[slot]!;
      if (seen >= rank) {
        const { low, width } = rangeOf(slot);
        // The slot's midpoint, kept inside the values actually seen.
        return Math.min(this.max, Math.max(this.min, low + (width - 1) / 2));
      }
    }
    return this.max;
  }

  percentileMs(percent: number): number {
    return this.percentile(percent) / 1000;
  }

  meanMs(): number {
    return this.count === 0 ? 0 : this.sum / this.count / 1000;
  }

  add(other: Histogram): void {
    const json = other.toJSON();
    this.#merge(json);
  }

  #merge(json: HistogramJson): void {
    for (const [slot, n] of json.counts) this.#counts[slot]! += n;
    this.count += json.count;
    this.sum += json.sum;
    if (json.count > 0) {
      this.min = Math.min(this.min, json.min);
      this.max = Math.max(this.max, json.max);
    }
  }

  toJSON(): HistogramJson {
    const counts: Array<[number, number]> = [];
    for (let slot = 0; slot < SLOTS; slot++) {
      const n = this.#counts[slot]!;
      if (n > 0) counts.push([slot, n]);
    }
    return { counts, count: this.count, sum: this.sum, min: this.count ? this.min : 0, max: this.max };
  }

  static fromJSON(json: HistogramJson): Histogram {
    const histogram = new Histogram();
    histogram.#merge(json);
    return histogram;
  }

  /**
   * Points of the percentile curve for a chart: x is the percentile on a "nines" scale
   * (x = -log10(1 - p)), y the latency in ms, from p50 out to the largest value.
   */
  curve(): Array<{ percentile: number; ms: number }> {
    const points: Array<{ percentile: number; ms: number }> = [];
    if (this.count === 0) return points;
    const limit = Math.min(99.9999, 100 * (1 - 1 / this.count));
    for (let nines = 0; ; nines += 0.05) {
      const percentile = 100 * (1 - 10 ** -nines);
      if (percentile > limit + 1e-9) break;
      points.push({ percentile, ms: this.percentileMs(percentile) });
    }
    points.push({ percentile: limit, ms: this.max / 1000 });
    return points;
  }
}
