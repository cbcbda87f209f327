using P2P.Fuzz.Engine;

namespace P2P.Fuzz.Targets;

/// <summary>
/// Every fuzz target, by name. Adding a decoder is one class implementing <see cref="IFuzzTarget"/> and one line
/// here (plus a seed folder under tests/fuzz-corpus/&lt;name&gt;, which <c>P2P.Fuzz seed</c> writes).
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "wire", "dht-binding", "handshake-hello", "handshake-reply", "handshake-finish", "session-open", "peerid", "peer-address",
        "cid-bytes", "cid-text", "multibase", "multihash", "varint", "dagpb", "unixfs-data", "unixfs-node", "repo-config", "car", "ipns-record",
    ];

    /// <summary>A new instance of the named target (targets may hold per-run state such as a session pair).</summary>
    public static IFuzzTarget Create(string name) => name switch
    {
        "wire" => new WireTarget(),
        "dht-binding" => new DhtBindingTarget(),
        "handshake-hello" => new HandshakeHelloTarget(),
        "handshake-reply" => new HandshakeReplyTarget(),
        "handshake-finish" => new HandshakeFinishTarget(),
        "session-open" => new SessionOpenTarget(),
        "peerid" => new PeerIdTarget(),
        "peer-address" => new MultiaddrTarget(),
        "cid-bytes" => new CidBytesTarget(),
        "cid-text" => new CidTextTarget(),
        "multibase" => new MultibaseTarget(),
        "multihash" => new MultihashTarget(),
        "varint" => new VarintTarget(),
        "dagpb" => new DagPbTarget(),
        "unixfs-data" => new UnixFsDataTarget(),
        "unixfs-node" => new UnixFsNodeTarget(),
        "repo-config" => new RepoConfigTarget(),
        "car" => new CarTarget(),
        "ipns-record" => new IpnsRecordTarget(),
        _ => throw new ArgumentException($"unknown fuzz target '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };
}
