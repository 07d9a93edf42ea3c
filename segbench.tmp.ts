import { countCharacters } from "~/comments/characters";
const cases: [string, string][] = [["emoji", "😀".repeat(40000)], ["mixed", "👩‍👩‍👧‍👦🇳🇿👍🏽".repeat(5000)], ["prose", "Coaching conversations ☕ naïve café 😀 ".repeat(3000).slice(0, 100000)], ["combining", "e\u0301".repeat(50000)]];
for (let r = 0; r < 3; r++) for (const [name, s] of cases) { const t = performance.now(); countCharacters(s); console.log(name, s.length, (performance.now() - t).toFixed(1)); }
