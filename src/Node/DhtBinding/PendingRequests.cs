using System.Collections.Concurrent;
using P2P.Node.Multiformats;
using P2P.Node.Wire;

namespace P2P.Node.DhtBinding;

/// <summary>
/// Requests of ours awaiting an answer, by request id. An answer completes its request only when it comes from the
/// PeerId the request was sent to and has the one response type that request allows; anything else is reported as
/// unsolicited and the request keeps waiting. Thread-safe: the router completes, the requesters add and remove.
/// </summary>
internal sealed class PendingRequests(int capacity)
{
    private readonly ConcurrentDictionary<ulong, Entry> _entries = new();

    /// <summary>Seeded from the OS RNG so ids are not guessable by an off-path sender.</summary>
    private long _nextId = Random.Shared.NextInt64();

    public int Count => _entries.Count;

    /// <summary>Registers a request; null when the table is full.</summary>
    public Entry? Add(PeerId to, WireMessageType expected)
    {
        if (_entries.Count >= capacity)
            return null;
        var entry = new Entry((ulong)Interlocked.Increment(ref _nextId), to, expected);
        _entries[entry.Id] = entry;
        return entry;
    }

    public void Remove(Entry entry) => _entries.TryRemove(new KeyValuePair<ulong, Entry>(entry.Id, entry));

    /// <summary>Completes the matching request; a reason when the answer matches none.</summary>
    public string? TryComplete(PeerId from, ulong requestId, WireMessage answer)
    {
        if (!_entries.TryGetValue(requestId, out var entry))
            return "answer to no pending request (late, duplicate or forged id)";
        if (entry.To != from)
            return $"answer to a request sent to {entry.To}, not to the sender";
        if (entry.Expected != answer.Type)
            return $"{answer.Type} answer to a request that expects {entry.Expected}";
        if (!_entries.TryRemove(new KeyValuePair<ulong, Entry>(requestId, entry)))
            return "answer to a request already answered";
        entry.Completion.TrySetResult(answer);
        return null;
    }

    /// <summary>Fails every pending request (shutdown).</summary>
    public void CancelAll()
    {
        foreach (var entry in _entries.Values)
        {
            if (_entries.TryRemove(new KeyValuePair<ulong, Entry>(entry.Id, entry)))
                entry.Completion.TrySetCanceled();
        }
    }

    internal sealed class Entry(ulong id, PeerId to, WireMessageType expected)
    {
        public ulong Id { get; } = id;

        public PeerId To { get; } = to;

        public WireMessageType Expected { get; } = expected;

        public TaskCompletionSource<WireMessage> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
