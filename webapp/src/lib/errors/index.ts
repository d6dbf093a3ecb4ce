export {
  CardPaymentError,
  InvalidSplitError,
  NotModeratorError,
  RelayerRequestError,
  RelayerUnreachableError,
  StablecoinUnavailableError,
  WalletDisconnectedError,
} from "./classes";
export { decodeRevert, describeError, type DescribedError } from "./describeError";
export { describeErrorLater } from "./describeLater";
