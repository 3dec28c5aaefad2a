// The failure converter of the project: Temporal's own DefaultFailureConverter with
// `encodeCommonAttributes`, so an error's message and stack trace leave the process as an encoded
// payload (which the payload codec then seals) instead of plain text in history. What stays
// readable is the failure's structure: its type (`WrongState`, `PaymentDeclined` …), whether it
// may be retried, and the message "Encoded failure".
//
// Loaded by path (`failureConverterPath`): the worker and the clients require() it, and the
// bundler puts it into the workflow sandbox, so it may import nothing but @temporalio/common —
// no Node built-ins, no codec.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
