import type { AnyScenario } from '../scenario.js';
import { ageAgo, ageBorn, ageFutureSum, ageSiblings } from './ages.js';
import { fenceCost, lawnArea, tilesBoxes } from './geometry.js';
import { allowanceLeft, bulkSaving, change, discount, fuelCost, overtime, profit, savingsGoal, tipSplit } from './money.js';
import { averageSpeed, productionBoxes, readingWeeks, tankFill, twoLegDistance, workTogether } from './rates.js';
import { classFraction, meanScore, neededScore, recipeScale, shareRatio, treatsShare } from './sharing.js';
import { departures, eventLength, weeklyHours } from './time.js';
import { flourGrams, juiceGlasses, lapsMinutes, ribbonPieces } from './units.js';

/** Every word-problem scenario, grouped by theme; ids are unique. Adding one is a scenario plus one entry here. */
export const scenarios: readonly AnyScenario[] = [
  change,
  discount,
  tipSplit,
  savingsGoal,
  bulkSaving,
  allowanceLeft,
  profit,
  overtime,
  fuelCost,
  twoLegDistance,
  averageSpeed,
  workTogether,
  tankFill,
  productionBoxes,
  readingWeeks,
  ageFutureSum,
  ageAgo,
  ageSiblings,
  ageBorn,
  ribbonPieces,
  lapsMinutes,
  juiceGlasses,
  flourGrams,
  fenceCost,
  tilesBoxes,
  lawnArea,
  departures,
  weeklyHours,
  eventLength,
  shareRatio,
  recipeScale,
  neededScore,
  meanScore,
  classFraction,
  treatsShare,
];
