export {
  decodeRevert,
  describeError,
  RelayerRequestError,
  RelayerUnreachableError,
  WalletDisconnectedError,
  type DescribedError,
} from "./describeError";
