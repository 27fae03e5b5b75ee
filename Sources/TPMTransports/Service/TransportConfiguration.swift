// SPDX-License-Identifier: Apache-2.0

import VTPMManager

/// Where the transports listen. Instance *k* (its ``InstanceID`` number) gets the mssim command and
/// platform ports `mssimBasePort + 2k` and `+ 2k + 1`, and the swtpm data and control ports
/// `swtpmBasePort + 2k` and `+ 2k + 1`. A base port of 0 turns that protocol off.
public struct TransportConfiguration: Hashable, Sendable {
    /// The address to bind; loopback by default, because neither protocol authenticates its clients.
    public var host: String
    public var mssimBasePort: Int
    public var swtpmBasePort: Int
    /// When busy data-port connections get a thread of their own; tests change the idle time.
    var connectionThreads = ConnectionThreadPolicy()

    public init(host: String = "127.0.0.1", mssimBasePort: Int, swtpmBasePort: Int) {
        self.host = host
        self.mssimBasePort = mssimBasePort
        self.swtpmBasePort = swtpmBasePort
    }

    /// The mssim command port (P + 2k) and platform port (P + 2k + 1) of instance `k`; nil when mssim is off.
    public func mssimPorts(for instance: InstanceID) -> PortPair? {
        Self.ports(base: mssimBasePort, instance: instance)
    }

    /// The swtpm data port (Q + 2k) and control port (Q + 2k + 1) of instance `k`; nil when swtpm is off.
    public func swtpmPorts(for instance: InstanceID) -> PortPair? {
        Self.ports(base: swtpmBasePort, instance: instance)
    }

    /// Checks that instances `0 ..< instanceCount` get valid ports: at least one protocol on, every port in
    /// 1 ... 65535, and the mssim and swtpm ranges disjoint.
    public func validate(instanceCount: Int) throws(TransportError) {
        guard instanceCount >= 1 else {
            throw TransportError(.invalidConfiguration, "at least one instance is needed (got \(instanceCount))")
        }
        guard mssimBasePort != 0 || swtpmBasePort != 0 else {
            throw TransportError(.invalidConfiguration, "both protocols are off (mssim and swtpm base ports are 0)")
        }
        let mssim = try Self.range(name: "mssim", base: mssimBasePort, instanceCount: instanceCount)
        let swtpm = try Self.range(name: "swtpm", base: swtpmBasePort, instanceCount: instanceCount)
        if let mssim, let swtpm, mssim.overlaps(swtpm) {
            throw TransportError(
                .invalidConfiguration,
                "mssim ports \(mssim.lowerBound)-\(mssim.upperBound) overlap swtpm ports "
                    + "\(swtpm.lowerBound)-\(swtpm.upperBound) for \(instanceCount) instance(s)")
        }
    }

    private static func ports(base: Int, instance: InstanceID) -> PortPair? {
        guard base != 0 else { return nil }
        let first = base + 2 * Int(instance.rawValue)
        return PortPair(first: first, second: first + 1)
    }

    private static func range(
        name: String, base: Int, instanceCount: Int
    ) throws(TransportError)
        -> ClosedRange<Int>?
    {
        guard base != 0 else { return nil }
        guard (1...65535).contains(base) else {
            throw TransportError(.invalidConfiguration, "\(name) base port \(base) is not in 1-65535")
        }
        let last = base + 2 * instanceCount - 1
        guard last <= 65535 else {
            throw TransportError(
                .invalidConfiguration,
                "\(instanceCount) instance(s) need \(name) ports \(base)-\(last), beyond 65535")
        }
        return base...last
    }
}

/// How many busy data-port connections may have a thread of their own (``ThreadedConnection``), and how
/// long one keeps it without receiving anything.
struct ConnectionThreadPolicy: Hashable, Sendable {
    /// Beyond this many, busy connections stay on their loops.
    var limit = 64
    var idleTimeout = Duration.seconds(1)
}

/// Two consecutive ports of one protocol: command and platform (mssim) or data and control (swtpm).
public struct PortPair: Hashable, Sendable, CustomStringConvertible {
    public var first: Int
    public var second: Int

    public init(first: Int, second: Int) {
        self.first = first
        self.second = second
    }

    public var description: String { "\(first)/\(second)" }
}
