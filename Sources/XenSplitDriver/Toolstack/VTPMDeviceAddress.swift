// SPDX-License-Identifier: Apache-2.0

/// Where one vTPM device lives in xenstore: its backend domain, its frontend domain and its devid, and the two
/// directories (xen-vtpm.md §5.1) that follow from them.
public struct VTPMDeviceAddress: Hashable, Sendable, CustomStringConvertible {
    /// The domain that runs tpmback (vtpmd: domain 0).
    public var backendDomid: DomainID
    /// The guest: the frontend's domain.
    public var domid: DomainID
    /// The device number, per frontend domain (the `handle` key).
    public var devid: UInt32

    public init(backendDomid: DomainID = 0, domid: DomainID, devid: UInt32) {
        self.backendDomid = backendDomid
        self.domid = domid
        self.devid = devid
    }

    /// The root tpmback watches in its own domain.
    public static func backendRoot(_ backendDomid: DomainID) -> String {
        "/local/domain/\(backendDomid)/backend/vtpm"
    }

    /// `/local/domain/<B>/backend/vtpm/<D>`: one per frontend domain, removed with its last device.
    public var backendParent: String { "\(Self.backendRoot(backendDomid))/\(domid)" }

    /// `/local/domain/<B>/backend/vtpm/<D>/<devid>`.
    public var backendPath: String { "\(backendParent)/\(devid)" }

    /// `/local/domain/<D>/device/vtpm`: the guest's vTPM device class, removed with its last device.
    public var frontendClass: String { "/local/domain/\(domid)/device/vtpm" }

    /// `/local/domain/<D>/device/vtpm/<devid>`.
    public var frontendPath: String { "\(frontendClass)/\(devid)" }

    public var description: String { "domain \(domid) vtpm \(devid) (backend domain \(backendDomid))" }
}
