using System.Net;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Transport;

/// <summary>Counts drops per reason and logs the first of each reason only, so a flood cannot flood the log. Thread-safe.</summary>
internal sealed class DropCounters(ILogger logger)
{
    private readonly long[] _counts = new long[Enum.GetValues<DropReason>().Length];

    public void Count(DropReason reason, IPEndPoint? from, string? detail = null)
    {
        if (Interlocked.Increment(ref _counts[(int)reason]) == 1)
        {
            logger.LogWarning("Dropped {Reason} from {EndPoint}: {Detail}. Further drops of this kind are only counted.",
                reason, from, detail ?? "no detail");
        }
    }

    public long Get(DropReason reason) => Interlocked.Read(ref _counts[(int)reason]);
}
