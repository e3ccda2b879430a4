using CloudSignal.Mqtt.Client;

namespace CloudSignal.Mqtt;

/// <summary>Automatic reconnection after an unexpected loss.</summary>
public sealed partial class CloudSignalClient
{
    /// <summary>
    /// Reconnects after an unexpected loss. Attempt n waits <see cref="ReconnectBackoff.Delay"/>
    /// (ReconnectPeriod doubling up to MaxReconnectDelay, jittered), raises the reconnecting
    /// callback with n, then connects within ConnectTimeout. Stops on success, on an
    /// authentication refusal (the auth-error callback has run), after MaxReconnectAttempts, or at
    /// once when DisconnectAsync/DisposeAsync cancels it.
    /// </summary>
    private async Task ReconnectLoopAsync()
    {
        CancellationToken stop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            stop = _reconnectCancel.Token;
        }

        for (int attempt = 1; _options.MaxReconnectAttempts is not int max || attempt <= max; attempt++)
        {
            TimeSpan delay = ReconnectBackoff.Delay(attempt, _options.ReconnectPeriod, _options.MaxReconnectDelay, _options.ReconnectJitter, Random.Shared.NextDouble());
            try
            {
                await Task.Delay(delay, _options.TimeProvider, stop).ConfigureAwait(false);
                if (_stopReconnecting || _disposed)
                {
                    return;
                }

                Invoke(_onReconnecting, attempt);
                await ConnectOnceAsync(stop).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (MqttConnectException ex) when (ex.IsAuthenticationFailure)
            {
                return;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // The CONNECT itself is invalid (it will not get better by retrying), or the
                // application connected again by itself meanwhile.
                return;
            }
            catch (Exception ex) when (ex is MqttException or TimeoutException or IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                // Try again after the next delay.
            }
        }
    }
}
