using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Exchange;

/// <summary>
/// A snapshot of what the exchange did with one peer, for progress output and the "bytes each provider served"
/// table. Received counts only verified blocks we asked for; <see cref="Score"/> falls on stalls and bad blocks.
/// <see cref="Connected"/> is false for a peer that left and whose state the exchange still remembers.
/// </summary>
public sealed record PeerStatistics(
    PeerId PeerId,
    IPEndPoint? EndPoint,
    long BytesReceived,
    long BlocksReceived,
    long BytesSent,
    long BlocksSent,
    long DuplicateBlocks,
    long CorruptBlocks,
    int InFlight,
    int Window,
    double BandwidthBytesPerSecond,
    int Score,
    bool Dropped,
    bool Connected);
