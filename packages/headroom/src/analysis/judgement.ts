// A confidence with its reasons: starts high, and each reason can only lower it.
import type { Confidence } from "./types.js";

/** Confidences from best to worst. */
export const ORDER: Confidence[] = ["high", "medium", "low"];

export class Judgement {
  /** A copy that goes on lowering on its own (a figure judged from the common reasons). */
  static from(base: Judgement): Judgement {
    const j = new Judgement();
    Object.assign(j, { level: base.level, reasons: [...base.reasons] });
    return j;
  }

  level: Confidence = "high";
  reasons: string[] = [];
  lower(to: Confidence, reason: string): void {
    if (ORDER.indexOf(to) > ORDER.indexOf(this.level)) this.level = to;
    if (to !== "high") this.reasons.push(reason);
  }
  reason(good: string): string {
    return this.reasons.length > 0 ? this.reasons.join("; ") : good;
  }
}
