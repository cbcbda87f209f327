using P2P.Dht;
using P2P.Node.Errors;

namespace P2P.Node.Naming;

/// <summary>IPNS records over the node's Kademlia DHT (PUT_VALUE at the k closest, GET_VALUE with an early return).</summary>
public sealed class DhtValueRouting(DhtNode dht) : IValueRouting
{
    public async Task<int> PutAsync(byte[] key, byte[] value, CancellationToken ct)
    {
        try
        {
            return (await dht.PutValueAsync(key, value, ct)).Stored;
        }
        catch (ArgumentException e)
        {
            // The DHT refuses what its validator refuses, and an older record than the one it holds.
            throw new P2PException(ErrorKind.Conflict, e.Message.Split(" (Parameter", 2)[0]);
        }
    }

    public async Task<byte[]?> GetAsync(byte[] key, CancellationToken ct) => (await dht.GetValueAsync(key, ct)).Value;
}
