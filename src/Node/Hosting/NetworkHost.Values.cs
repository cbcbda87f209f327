using P2P.Dht;
using P2P.Dht.Values;

namespace P2P.Node.Hosting;

/// <summary>
/// Values in the DHT (PUT_VALUE / GET_VALUE) for the hosting code, e.g. IPNS names: the validators are registered on
/// <see cref="NetworkHostOptions.Dht"/>'s <see cref="DhtOptions.Validators"/> before the host starts.
/// </summary>
public sealed partial class NetworkHost
{
    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/> (a <c>/namespace/...</c> key) locally and on the k
    /// closest nodes. Throws <see cref="ArgumentException"/> for a key without a validator, an invalid value, or one
    /// older than the value this node holds.
    /// </summary>
    public Task<PublishResult> PutValueAsync(byte[] key, byte[] value, CancellationToken ct) => Dht.PutValueAsync(key, value, ct);

    /// <summary>
    /// The newest valid value for <paramref name="key"/>, with an early return once <paramref name="quorum"/> answers
    /// agree (default <see cref="DhtOptions.ValueQuorum"/>); nodes found holding an older one are updated in the background.
    /// </summary>
    public Task<GetValueResult> GetValueAsync(byte[] key, CancellationToken ct, int? quorum = null) => Dht.GetValueAsync(key, ct, quorum);
}
