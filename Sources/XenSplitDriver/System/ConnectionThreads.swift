// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A listening unix socket served with one thread per connection, as the hypervisor, the manager endpoint and
/// a guest's TPM device are: each has a handful of long-lived peers. ``stop()`` wakes every thread (the
/// listener's and the connections') and removes the socket file.
final class ConnectionThreads: Sendable {
    let path: String
    private let listener: UnixSocket
    private let connections = Mutex<[ObjectIdentifier: UnixSocket]>([:])

    /// Binds and listens at `path` (replacing a stale socket file) with permissions `mode`.
    init(path: String, kind: UnixSocket.Kind, mode: mode_t = 0o600) throws(XenError) {
        self.path = path
        listener = try UnixSocket.listen(at: path, kind: kind, mode: mode)
    }

    /// Accepts connections on a thread of its own and runs `serve` for each on another; a connection is closed
    /// when `serve` returns.
    func start(serve: @escaping @Sendable (UnixSocket) -> Void) {
        Thread.detachNewThread { [self] in
            while let connection = listener.accept() {
                connections.withLock { $0[ObjectIdentifier(connection)] = connection }
                Thread.detachNewThread { [self] in
                    serve(connection)
                    connections.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(connection)) }
                    connection.close()
                }
            }
        }
    }

    func stop() {
        listener.shutdown()
        for connection in connections.withLock({ Array($0.values) }) { connection.shutdown() }
        unlink(path)
    }
}
