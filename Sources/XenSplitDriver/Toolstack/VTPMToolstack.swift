// SPDX-License-Identifier: Apache-2.0

/// The toolstack's part of the vTPM split driver (what xend's DevController and the hotplug wait did): creates
/// and removes the xenstore entries of a guest's vTPM device and lists the devices, through a xenstore client.
///
/// tpmback (``TPMBackend``) does the rest: it answers a new device with `instance` or `hotplug-status = error`,
/// and a device whose `online` is `0` with `state = 6` (Closed). See docs/xen.md.
///
/// Attach and detach wait on the client's watch events: while they run, events for other watches of the same
/// client are consumed, so give the toolstack a client of its own.
public struct VTPMToolstack: Sendable {
    /// How long ``attach(domid:name:preferredInstance:backendDomid:devid:timeout:)`` and
    /// ``detach(domid:devid:backendDomid:timeout:)`` wait for the backend by default.
    public static let defaultTimeout: Duration = .seconds(10)

    public let client: XenStoreClient

    /// A toolstack on `client`; the caller keeps ownership and closes it.
    public init(client: XenStoreClient) {
        self.client = client
    }

    // MARK: - Checks

    /// Refuses names that the durable vtpm.db cannot hold: its fields are separated by whitespace and a line
    /// whose first field starts with `#` is a comment (xen-vtpm.md §6.1).
    static func checkName(_ name: String) throws(XenError) {
        guard !name.isEmpty else { throw XenError(.invalidArgument, "the domain name is empty") }
        guard !name.contains(where: \.isWhitespace) else {
            throw XenError(.invalidArgument, "the domain name '\(name)' contains whitespace (vtpm.db cannot hold it)")
        }
        guard !name.hasPrefix("#") else {
            throw XenError(.invalidArgument, "the domain name '\(name)' starts with '#' (a comment in vtpm.db)")
        }
    }

    static func checkDomains(domid: DomainID, backendDomid: DomainID) throws(XenError) {
        guard domid != 0 else {
            throw XenError(.invalidArgument, "domain 0 cannot be a vTPM frontend: give the guest's domid")
        }
        guard domid != backendDomid else {
            throw XenError(.invalidArgument, "domain \(domid) cannot be its own vTPM backend")
        }
    }

    // MARK: - Waiting for the backend

    /// Watches `path` and calls `check` on the registration echo and after every change below it, until
    /// `check` returns a value (returned) or `timeout` passes (nil).
    func waitFor<T>(
        _ path: String, timeout: Duration, _ check: () throws(XenError) -> T?
    ) throws(XenError) -> T? {
        let token = "vtpm-toolstack-\(UInt64.random(in: 0...UInt64.max))"
        try client.watch(path, token: token)
        defer { try? client.unwatch(path, token: token) }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let value = try check() { return value }
            let remaining = deadline - clock.now
            guard remaining > .zero else { return nil }
            _ = try client.nextWatchEvent(timeoutMilliseconds: Self.milliseconds(remaining))
        }
    }

    /// `duration` rounded up to whole milliseconds, at least 1, as poll(2) takes it.
    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64(Int32.max / 1000) else { return Int32.max }
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(total, 1))
    }

    /// `10 s`, `0.3 s`: for messages.
    static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard attoseconds != 0 else { return "\(seconds) s" }
        let millis = Double(seconds) * 1000 + Double(attoseconds / 1_000_000_000_000_000)
        guard millis > 0 else { return "\(duration)" }
        var text = String(millis / 1000)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return "\(text) s"
    }
}
