package dev.wgdesk.engine.device;

/**
 * The two-engine scenarios again, with encryption and decryption on worker threads and the
 * sequencers restoring order (the default on machines with more than two cores).
 */
class TwoDeviceParallelTest extends TwoDeviceTest {
    @Override
    int cryptoWorkers() {
        return 3;
    }
}
