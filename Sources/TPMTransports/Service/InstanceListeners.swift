// SPDX-License-Identifier: Apache-2.0

import VTPMManager

/// The ports one instance is served on, once they are bound.
public struct InstanceListeners: Hashable, Sendable, CustomStringConvertible {
    public var instance: InstanceID
    public var host: String
    /// Command and platform port; nil when mssim is off.
    public var mssim: PortPair?
    /// Data and control port; nil when swtpm is off.
    public var swtpm: PortPair?

    public init(instance: InstanceID, host: String, mssim: PortPair?, swtpm: PortPair?) {
        self.instance = instance
        self.host = host
        self.mssim = mssim
        self.swtpm = swtpm
    }

    /// "instance 0: mssim 127.0.0.1:2321/2322, swtpm 127.0.0.1:2421/2422"
    public var description: String {
        let parts = [mssim.map { "mssim \(host):\($0)" }, swtpm.map { "swtpm \(host):\($0)" }].compactMap { $0 }
        return "instance \(instance): " + parts.joined(separator: ", ")
    }
}
