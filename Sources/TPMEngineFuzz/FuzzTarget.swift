// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMEngine
import TPMWire

#if FUZZING
import Glibc
#endif

/// The fuzzing harness for the engine's command entry point.
///
/// An input is one flags byte followed by one or more commands, each taking the number of bytes its
/// header's size field says (or the rest of the input), so the fuzzer can build sequences such as
/// HashSequenceStart + SequenceUpdate. Flags: bits 0-2 the locality (values above 4 test the bounds),
/// bit 3 runs TPM2_Startup(CLEAR) first. Every response must be well formed; anything else traps,
/// which libFuzzer reports as a crash.
enum FuzzTarget {
    /// Deterministic platform: the same input always takes the same path.
    struct Platform: TPMPlatform {
        let entropySource: any EntropySource = DeterministicEntropySource()
        func monotonicMilliseconds() -> UInt64 { 1_000 }
        var physicalPresenceAsserted: Bool { false }
        var cancelRequested: Bool { false }
    }

    static let poweredOn = TPMEngine.manufacture(platform: Platform())

    static let started: TPMEngine = {
        var engine = poweredOn
        _ = engine.execute([0x80, 0x01, 0, 0, 0, 0x0C, 0, 0, 0x01, 0x44, 0, 0], locality: 0)
        return engine
    }()

    static func run(_ input: [UInt8]) {
        guard let flags = input.first else { return }
        var engine = flags & 0x08 != 0 ? poweredOn : started
        let locality = flags & 0x07
        var offset = 1
        while offset < input.count {
            let remaining = input.count - offset
            var length = remaining
            if remaining >= 6 {
                let size = input[(offset + 2)..<(offset + 6)].reduce(0) { $0 << 8 | Int($1) }
                if size > 0 && size <= remaining { length = size }
            }
            let command = Array(input[offset..<(offset + length)])
            check(engine.execute(command, locality: locality), for: command)
            offset += length
        }
    }

    /// A response has a valid tag, a size equal to its length, and an error carries no parameters.
    static func check(_ response: [UInt8], for command: [UInt8]) {
        var reader = TPMReader(response)
        guard let header = try? ResponseHeader(unmarshalling: &reader) else {
            fatalError("response shorter than a header for command \(command)")
        }
        guard header.responseSize == response.count else {
            fatalError("response size field \(header.responseSize) but \(response.count) bytes")
        }
        guard header.tag == .noSessions || header.tag == .sessions else {
            fatalError("response tag \(header.tag)")
        }
        if header.responseCode != .success {
            guard response.count == 10, header.tag == .noSessions else {
                fatalError("error response \(header.responseCode) with parameters")
            }
        }
        guard response.count <= TPMEngine.maxResponseSize else {
            fatalError("response of \(response.count) bytes exceeds MAX_RESPONSE_SIZE")
        }
    }
}

#if FUZZING
/// libFuzzer's driver (compiler-rt). SwiftPM names the executable's entry point itself, so libFuzzer's own
/// `main` cannot be used; `LLVMFuzzerRunDriver` is the documented way to start libFuzzer from a program
/// that has its own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
enum FuzzMain {
    /// The pointers are libFuzzer's ABI: argc/argv come straight from the process, and each input buffer
    /// is copied into an array before use and never kept, so no pointer outlives its call.
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            guard let data else { return 0 }
            FuzzTarget.run(Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
        exit(status)
    }
}
#endif
