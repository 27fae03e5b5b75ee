// SPDX-License-Identifier: Apache-2.0

import TPMTransports
import Testing
import VTPMManager

@Suite("transport configuration")
struct ConfigurationTests {
    @Test("instance k gets P+2k/P+2k+1 and Q+2k/Q+2k+1")
    func ports() {
        let configuration = TransportConfiguration(mssimBasePort: 2321, swtpmBasePort: 2421)
        #expect(configuration.mssimPorts(for: InstanceID(0)) == PortPair(first: 2321, second: 2322))
        #expect(configuration.swtpmPorts(for: InstanceID(3)) == PortPair(first: 2427, second: 2428))
        #expect(TransportConfiguration(mssimBasePort: 0, swtpmBasePort: 2421).mssimPorts(for: InstanceID(0)) == nil)
    }

    @Test("valid layouts pass", arguments: [(2321, 2421, 1), (2321, 2421, 50), (0, 2421, 3), (65534, 0, 1)])
    func valid(mssim: Int, swtpm: Int, count: Int) throws {
        try TransportConfiguration(mssimBasePort: mssim, swtpmBasePort: swtpm).validate(instanceCount: count)
    }

    @Test(
        "invalid layouts are refused with a reason",
        arguments: [
            (2321, 2421, 51), (2321, 2322, 1), (0, 0, 1), (65535, 0, 1), (2321, 2421, 0), (-5, 2421, 1),
            (70000, 0, 1),
        ])
    func invalid(mssim: Int, swtpm: Int, count: Int) {
        #expect(throws: TransportError(.invalidConfiguration, "")) {
            try TransportConfiguration(mssimBasePort: mssim, swtpmBasePort: swtpm).validate(instanceCount: count)
        }
    }

    @Test("the listener line names both protocols")
    func description() {
        let listeners = InstanceListeners(
            instance: InstanceID(0), host: "127.0.0.1",
            mssim: PortPair(first: 2321, second: 2322),
            swtpm: PortPair(first: 2421, second: 2422))
        #expect("\(listeners)" == "instance 0: mssim 127.0.0.1:2321/2322, swtpm 127.0.0.1:2421/2422")
    }
}
