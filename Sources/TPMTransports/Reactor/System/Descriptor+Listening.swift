// SPDX-License-Identifier: Apache-2.0

import CVTPMSystem

#if canImport(Glibc)
import Glibc
#endif

extension Descriptor {
    /// A non-blocking listening TCP socket on `host` (an address literal or a name getaddrinfo resolves; the
    /// first address that can be bound wins) and `port`, with SO_REUSEADDR so that a restarted daemon can
    /// bind while old connections sit in TIME_WAIT.
    ///
    /// The unsafe pointers are the `addrinfo` list getaddrinfo returns: it is walked and freed inside this
    /// function, and each `ai_addr` is passed to bind with its own `ai_addrlen`.
    static func listening(host: String, port: Int, backlog: Int32 = 256) throws(TransportError) -> Descriptor {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == 0 ? "no address" : String(cString: gai_strerror(status))
            throw TransportError(.bindFailed, "cannot resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(first) }
        var lastError = TransportError(.bindFailed, "no usable address for \(host)")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            switch bind(current.pointee, backlog: backlog) {
            case .success(let descriptor): return descriptor
            case .failure(let error): lastError = error
            }
            entry = current.pointee.ai_next
        }
        throw lastError
    }

    private static func bind(_ info: addrinfo, backlog: Int32) -> Result<Descriptor, TransportError> {
        let raw = cvtpm_stream_socket(info.ai_family)
        guard raw >= 0 else { return .failure(error(.bindFailed, "socket()")) }
        let descriptor = Descriptor(rawValue: raw)
        descriptor.setOption(SOL_SOCKET, SO_REUSEADDR, 1)
        guard let address = info.ai_addr, Glibc.bind(raw, address, info.ai_addrlen) == 0 else {
            let failure = error(.bindFailed, "bind()")
            descriptor.close()
            return .failure(failure)
        }
        guard Glibc.listen(raw, backlog) == 0 else {
            let failure = error(.bindFailed, "listen()")
            descriptor.close()
            return .failure(failure)
        }
        return .success(descriptor)
    }
}
