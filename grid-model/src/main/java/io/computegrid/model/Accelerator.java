package io.computegrid.model;

import java.util.Objects;

/**
 * One accelerator model: its vendor, rated FP16 dense TFLOPS (the basis of normalised compute, P)
 * and the environment variable its runtime reads to restrict visible devices.
 */
public record Accelerator(String model, String vendor, double fp16Tflops, String visibleDevicesEnv) {
    public Accelerator {
        Objects.requireNonNull(model, "model");
        Names.requireValid(model, "accelerator");
        if (!(fp16Tflops > 0) || Double.isInfinite(fp16Tflops)) {
            throw new IllegalArgumentException("accelerator " + model + ": fp16Tflops must be positive");
        }
        vendor = vendor == null ? vendorOf(model) : vendor;
        visibleDevicesEnv = visibleDevicesEnv == null ? envFor(vendor) : visibleDevicesEnv;
    }

    /** Normalised PFLOPS of the given milli-cards of this model. */
    public double petaflops(long milliCards) {
        return fp16Tflops * milliCards / 1000.0 / 1000.0;
    }

    static String vendorOf(String model) {
        int dash = model.indexOf('-');
        return dash > 0 ? model.substring(0, dash) : "generic";
    }

    static String envFor(String vendor) {
        return switch (vendor) {
            case "nvidia" -> "CUDA_VISIBLE_DEVICES";
            case "ascend", "huawei" -> "ASCEND_RT_VISIBLE_DEVICES";
            case "hygon" -> "HIP_VISIBLE_DEVICES";
            case "cambricon" -> "MLU_VISIBLE_DEVICES";
            case "amd" -> "ROCR_VISIBLE_DEVICES";
            default -> "GRID_VISIBLE_DEVICES";
        };
    }
}
