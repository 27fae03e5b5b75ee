// swift-tools-version: 6.0
// SPDX-License-Identifier: Apache-2.0

import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "swift-vtpm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vtpmd", targets: ["vtpmd"]),
        .executable(name: "vtpm", targets: ["vtpm"]),
        .library(name: "TPMWire", targets: ["TPMWire"]),
        .library(name: "TPMEngine", targets: ["TPMEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(name: "TPMWire", swiftSettings: upcoming),
        .target(
            name: "TPMCrypto",
            dependencies: [
                "TPMWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "TPMEngine",
            dependencies: ["TPMWire", "TPMCrypto", .product(name: "Logging", package: "swift-log")],
            swiftSettings: upcoming
        ),
        .target(
            name: "VTPMManager",
            dependencies: [
                "TPMEngine", "TPMCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: upcoming
        ),
        // epoll, eventfd and accept4 for the transports' reactor: a header-only module map (Glibc lacks them).
        .systemLibrary(name: "CVTPMSystem"),
        .target(
            name: "TPMTransports",
            dependencies: [
                "VTPMManager", "TPMEngine", "TPMWire", "CVTPMSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        // The Xen split driver in user space: xenstore (with its xs_wire protocol), and later grants, event
        // channels, the tpmif ring, tpmfront/tpmback and the /dev/vtpm manager interface.
        .target(
            name: "XenSplitDriver",
            dependencies: [
                "VTPMManager", "TPMWire", "TPMCrypto", "CVTPMSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "vtpmd",
            dependencies: [
                "TPMTransports", "VTPMManager", "XenSplitDriver",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "vtpm",
            dependencies: [
                "TPMTransports", "VTPMManager", "TPMWire", "XenSplitDriver",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // Latency benchmark through TPMSocketClient (run a release build against vtpmd and swtpm; not a test).
        // libFuzzer target: built with `-Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING` by scripts/fuzz.sh;
        // a plain build turns it into a corpus replayer.
        .executableTarget(name: "TPMEngineFuzz", dependencies: ["TPMEngine"], swiftSettings: upcoming),

        .testTarget(name: "TPMWireTests", dependencies: ["TPMWire"], swiftSettings: upcoming),
        .testTarget(name: "TPMCryptoTests", dependencies: ["TPMCrypto"], swiftSettings: upcoming),
        .testTarget(
            name: "TPMEngineTests",
            dependencies: ["TPMEngine", "TPMCrypto", "TPMWire"],
            resources: [.copy("Fixtures")],
            swiftSettings: upcoming
        ),
        .testTarget(name: "VTPMManagerTests", dependencies: ["VTPMManager"], swiftSettings: upcoming),
        .testTarget(
            name: "TPMTransportsTests",
            dependencies: [
                "TPMTransports", "VTPMManager", "TPMWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "XenSplitDriverTests",
            dependencies: [
                "XenSplitDriver", "VTPMManager", "TPMWire", "vtpm",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "VTPMIntegrationTests",
            dependencies: ["TPMTransports", "VTPMManager", "TPMEngine", "TPMWire", "XenSplitDriver", "vtpmd", "vtpm"],
            swiftSettings: upcoming
        ),
    ]
)
