// SPDX-License-Identifier: Apache-2.0

import Logging
import Synchronization
import VTPMManager

/// One instance as the transports see it: the instance itself plus the little state its protocols keep
/// beside the TPM and share across connections (tpm2-tss opens a new swtpm connection for every command,
/// so nothing here may live in a connection handler).
final class ServedInstance: Sendable {
    let instance: VTPMInstance
    /// The transports' logger with `vtpm.instance` set.
    let logger: Logger
    /// The swtpm CMD_SET_BUFFERSIZE setting; reported, not enforced (the engine's limit is fixed).
    let swtpmBufferSize = Mutex<UInt32>(SwtpmBufferSize.maximum)
    /// The largest command and response seen since the mssim platform port last reported them.
    let sizeRecord = Mutex(MSSimSizeRecord())

    init(_ instance: VTPMInstance, logger: Logger) {
        self.instance = instance
        var logger = logger
        logger[metadataKey: "vtpm.instance"] = "\(instance.id)"
        self.logger = logger
    }
}
