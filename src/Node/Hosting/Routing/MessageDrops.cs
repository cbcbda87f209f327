using Microsoft.Extensions.Logging;
using P2P.Dht;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Routing;

/// <summary>
/// Counts router drops per reason and logs only the first of each, so a peer that floods garbage cannot flood the
/// log. Thread-safe.
/// </summary>
public sealed class MessageDrops(ILogger logger)
{
    private readonly long[] _counts = new long[Enum.GetValues<MessageDropReason>().Length];

    /// <summary>Pulsed after each counted drop.</summary>
    public ChangeSignal Changed { get; } = new();

    public void Count(MessageDropReason reason, PeerId from, string detail, Exception? error = null)
    {
        if (Interlocked.Increment(ref _counts[(int)reason]) == 1)
        {
            logger.LogWarning(error, "Dropped message ({Reason}) from {Peer}: {Detail}. Further drops of this kind are only counted.",
                reason, from, detail);
        }
        Changed.Pulse();
    }

    public long Get(MessageDropReason reason) => Interlocked.Read(ref _counts[(int)reason]);
}
