export { parseQuantity, type ParsedQuantity, type QuantityProblem } from "./parseQuantity";
export { saleState, type SaleState } from "./saleState";
