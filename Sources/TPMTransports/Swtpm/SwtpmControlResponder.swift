// SPDX-License-Identifier: Apache-2.0

import Synchronization
import VTPMManager

/// Answers control-channel requests for one instance: maps each verb onto ``PlatformControl`` and builds
/// swtpm's reply, checks in swtpm's order (running state first, then the request's length, then its values).
struct SwtpmControlResponder {
    let served: ServedInstance

    /// The reply to `code` with the request bytes `body`, and whether the connection closes after it.
    func respond(to code: SwtpmControlCode, body: ArraySlice<UInt8>) -> (SwtpmControlResponse, closes: Bool) {
        let instance = served.instance
        if code.requiresRunning, !instance.isPowered {
            return (.result(.badOrdinal), false)
        }
        switch SwtpmControlRequest(code: code, body: body) {
        case .getCapability:
            return (.capabilities(.served), false)
        case .initialize(let flags):
            let deleteVolatile = flags & SwtpmControlRequest.deleteVolatileFlag != 0
            return (perform(.initialize(deleteVolatile: deleteVolatile)), false)
        case .shutdown:
            // swtpm exits on CMD_SHUTDOWN; a daemon serving many instances powers this one off instead and
            // keeps running. The reply goes out, then the connection closes.
            return (perform(.powerOff), true)
        case .stop:
            return (perform(.stop), false)
        case .getEstablished:
            return (.established(instance.isEstablished), false)
        case .resetEstablished(let locality):
            guard locality <= 4 else { return (.result(.badLocality), false) }
            return (perform(.resetEstablished(locality: locality)), false)
        case .setLocality(let locality):
            guard locality <= 4 else { return (.result(.badLocality), false) }
            return (perform(.setLocality(locality)), false)
        case .cancelCommand:
            // A command runs to completion under the instance's lock before anything else reaches the
            // instance, and libtpms clears a cancel request when the next command starts; so, as in swtpm, a
            // cancel can only be acknowledged.
            return (.result(.success), false)
        case .setBufferSize(let requested):
            return (setBufferSize(requested), false)
        case .getConfig:
            return (.configuration(flags: 0), false)
        case .malformed:
            return (.result(.badParameter), false)
        case .unsupported:
            // TODO(later stage): CMD_HASH_START/DATA/END (DRTM), CMD_STORE_VOLATILE, CMD_GET/SET_STATEBLOB,
            // CMD_SET_DATAFD and CMD_GET_INFO. Until then they get swtpm's answer to an unknown command.
            return (.result(.badOrdinal), false)
        }
    }

    private func perform(_ control: PlatformControl) -> SwtpmControlResponse {
        do throws(PlatformControlError) {
            try served.instance.perform(control)
            return .result(.success)
        } catch .badLocality {
            return .result(.badLocality)
        } catch {
            return .result(.badOrdinal)
        }
    }

    /// swtpm lets a running TPM only query the size; a stopped one may change it, clamped to the limits.
    private func setBufferSize(_ requested: UInt32) -> SwtpmControlResponse {
        if requested > 0, served.instance.isPowered {
            return .result(.badOrdinal)
        }
        let current = served.swtpmBufferSize.withLock { size in
            if requested > 0 { size = SwtpmBufferSize.clamped(requested) }
            return size
        }
        return .bufferSize(current: current, minimum: SwtpmBufferSize.minimum, maximum: SwtpmBufferSize.maximum)
    }
}
