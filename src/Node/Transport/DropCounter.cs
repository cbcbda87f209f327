using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Transport;

/// <summary>
/// Counts what a layer threw away, per reason, and logs only the first drop of each reason, so a peer that floods
/// garbage cannot flood the log. Every layer that drops things (the transport, the DHT binding, the message router)
/// uses this one counter with its own reason enum: the counter knows no layer's reasons. Thread-safe (Interlocked).
/// </summary>
/// <typeparam name="TReason">An int enum whose values run 0, 1, 2… (checked once per type).</typeparam>
public sealed class DropCounter<TReason>
    where TReason : struct, Enum
{
    private static readonly int ReasonCount = CheckReasons();

    private readonly ILogger _logger;
    private readonly string _kind;
    private readonly long[] _counts = new long[ReasonCount];
    private readonly bool[] _routine = new bool[ReasonCount];

    /// <param name="logger">Where the first drop of each reason is logged.</param>
    /// <param name="kind">What is dropped, for the log line ("packet", "message", "DHT request").</param>
    /// <param name="routine">
    /// Reasons a healthy node sees in normal operation (a rate limit doing its job, a reply that came after its
    /// request timed out): their first drop is logged at Debug, not Warning, so a Warning still means something.
    /// </param>
    public DropCounter(ILogger logger, string kind, IEnumerable<TReason>? routine = null)
    {
        _logger = logger;
        _kind = kind;
        foreach (var reason in routine ?? [])
            _routine[Index(reason)] = true;
    }

    /// <summary>Raised after each counted drop, on the thread that counted it.</summary>
    public event Action<TReason>? Counted;

    /// <summary>Counts one drop of <paramref name="reason"/> from <paramref name="from"/> (an endpoint or a PeerId).</summary>
    public void Count(TReason reason, object? from, string? detail = null, Exception? error = null)
    {
        if (Interlocked.Increment(ref _counts[Index(reason)]) == 1)
        {
            _logger.Log(_routine[Index(reason)] ? LogLevel.Debug : LogLevel.Warning, error, "Dropped {Kind} ({Reason}) from {Source}: {Detail}. Further drops of this kind are only counted.",
                _kind, reason, from, detail ?? "no detail");
        }
        Counted?.Invoke(reason);
    }

    public long Get(TReason reason) => Interlocked.Read(ref _counts[Index(reason)]);

    private static int Index(TReason reason) => Unsafe.As<TReason, int>(ref reason);

    private static int CheckReasons()
    {
        if (Enum.GetUnderlyingType(typeof(TReason)) != typeof(int))
            throw new InvalidOperationException($"{typeof(TReason).Name} must be an int enum to be counted");
        var values = Enum.GetValues<TReason>();
        for (var i = 0; i < values.Length; i++)
        {
            if (Index(values[i]) != i)
                throw new InvalidOperationException($"{typeof(TReason).Name} must number its values 0, 1, 2… to be counted");
        }
        return values.Length;
    }
}
