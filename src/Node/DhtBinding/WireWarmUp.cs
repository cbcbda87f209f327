using P2P.Node.Multiformats;
using P2P.Node.Wire;

namespace P2P.Node.DhtBinding;

/// <summary>
/// Encodes and decodes one message of every DHT type at start. MessagePack builds its formatters on first use,
/// which in a fresh process takes longer than a DHT request's one-second timeout: without this, the first
/// bootstrap ping a daemon answers arrives too late and the joining node starts with an empty table.
/// </summary>
public static class WireWarmUp
{
    public static void Run(PeerId self)
    {
        var contact = WireContact.From(self, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1));
        var key = Multiformats.Multihash.Sha256([]).Bytes.ToArray();
        WireMessage[] samples =
        [
            new PingMessage { RequestId = 1 },
            new PongMessage { RequestId = 1 },
            new FindNodeMessage { RequestId = 1, Target = new byte[32] },
            new NodesMessage { RequestId = 1, Contacts = [contact] },
            new GetProvidersMessage { RequestId = 1, Key = key },
            new ProvidersMessage { RequestId = 1, Providers = [contact], Closer = [contact] },
            new AddProviderMessage { RequestId = 1, Key = key, Provider = contact },
        ];
        foreach (var sample in samples)
        {
            if (!WireCodec.TryDecode(WireCodec.Encode(sample), out _, out var error))
                throw new InvalidOperationException($"wire codec cannot round-trip {sample.Type}: {error}");
        }
    }
}
