/** Options of `nx g nx-release-gates:init` (what `nx add nx-release-gates` runs). */
export interface InitGeneratorSchema {
  skipFormat?: boolean;
}
