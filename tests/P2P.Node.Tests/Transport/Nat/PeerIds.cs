using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Tests.Transport.Nat;

/// <summary>Fresh PeerIds for tests that need identities but no transport; the keys are freed with it.</summary>
internal sealed class PeerIds : IDisposable
{
    private readonly List<NodeIdentity> _identities = [];

    public PeerId New()
    {
        var identity = NodeIdentity.Generate();
        _identities.Add(identity);
        return identity.PeerId;
    }

    public void Dispose()
    {
        foreach (var identity in _identities)
            identity.Dispose();
    }
}
