/** Base prices of the default simulated symbols (rough 2026 levels; only the scale matters). */
export const DEFAULT_SYMBOL_PRICES: Readonly<Record<string, number>> = {
  AAPL: 230,
  MSFT: 420,
  TSLA: 250,
  NVDA: 140,
  AMD: 150,
  SPY: 600,
  FAKEPACA: 100,
};
