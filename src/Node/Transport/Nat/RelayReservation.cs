using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport.Nat;

/// <summary>A relay that holds a reservation for us: others reach us by asking it for a circuit.</summary>
public sealed record RelayReservation(PeerId Relay, IPEndPoint EndPoint);
