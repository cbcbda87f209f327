using System.Runtime.CompilerServices;
using P2P.Node.Hosting.Gateway.DelegatedRouting;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Gateway.DelegatedRouting;

/// <summary>
/// A router that answers from lists, and can stop after <see cref="PauseAfter"/> providers until <see cref="Resume"/>
/// (or until the request's token ends the wait), so a test can look at what the client has while the lookup runs.
/// </summary>
internal sealed class ScriptedRouter : IDelegatedRouter
{
    private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<PeerRecord> Providers { get; } = [];

    public Dictionary<PeerId, PeerRecord> Peers { get; } = [];

    /// <summary>Providers yielded before the lookup waits; null: never waits.</summary>
    public int? PauseAfter { get; init; }

    /// <summary>Completes when the lookup starts waiting.</summary>
    public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the providers' enumeration ended, however it ended.</summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Providers handed out, and the max the endpoint asked for.</summary>
    public int Yielded { get; private set; }

    public int AskedMax { get; private set; }

    public void Resume() => _resume.TrySetResult();

    public async IAsyncEnumerable<PeerRecord> FindProvidersAsync(Cid cid, int max, [EnumeratorCancellation] CancellationToken ct)
    {
        AskedMax = max;
        try
        {
            foreach (var record in Providers)
            {
                if (Yielded == PauseAfter)
                {
                    Paused.TrySetResult();
                    await _resume.Task.WaitAsync(ct);
                }
                Yielded++;
                yield return record;
            }
        }
        finally
        {
            Ended.TrySetResult();
        }
    }

    /// <summary>When set, peer lookups fail with it.</summary>
    public Exception? PeerFailure { get; init; }

    public Task<PeerRecord?> FindPeerAsync(PeerId peer, CancellationToken ct) =>
        PeerFailure is { } failure ? Task.FromException<PeerRecord?>(failure) : Task.FromResult(Peers.GetValueOrDefault(peer));

    /// <summary>A record for a peer made from <paramref name="seed"/>, at 10.0.0.seed:4001 over UDP and at ::1.</summary>
    public static PeerRecord Record(int seed, params string[] protocols)
    {
        var key = new byte[PeerId.PublicKeyLength];
        new Random(seed).NextBytes(key);
        return new PeerRecord(PeerId.FromPublicKey(key), [$"/ip4/10.0.0.{seed}/udp/4001", "/ip6/::1/udp/4001"],
            protocols.Length == 0 ? [NetworkRouter.ExchangeProtocol] : protocols);
    }
}
